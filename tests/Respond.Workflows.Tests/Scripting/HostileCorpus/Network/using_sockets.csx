// expect: Sockets
using System.Net.Sockets;
Log("connect");
