// expect: memory
var list = new List<byte[]>();
while (true) list.Add(new byte[1024 * 1024]);
