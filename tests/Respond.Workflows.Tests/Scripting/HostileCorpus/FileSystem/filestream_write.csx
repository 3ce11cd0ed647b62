// expect: System.IO.FileStream
using var fs = new System.IO.FileStream("/tmp/owned", System.IO.FileMode.Create);
fs.WriteByte(1);
