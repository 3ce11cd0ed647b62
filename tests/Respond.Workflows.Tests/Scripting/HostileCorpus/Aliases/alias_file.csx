// expect: System.IO.File
using F = System.IO.File;
Log(F.ReadAllText("/etc/passwd"));
