// expect: System.IO.File
var s = System.IO.File.ReadAllText("/etc/passwd");
Log(s);
