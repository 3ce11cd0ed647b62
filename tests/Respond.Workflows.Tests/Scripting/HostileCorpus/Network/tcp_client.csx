// expect: Sockets
var t = new System.Net.Sockets.TcpClient("10.0.0.1", 22);
