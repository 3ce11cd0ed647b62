// expect: System.IO
using IO = System.IO;
Log(IO.File.ReadAllText("/etc/passwd"));
