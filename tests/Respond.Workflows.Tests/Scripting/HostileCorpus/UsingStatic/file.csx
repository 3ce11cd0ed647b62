// expect: System.IO.File
using static System.IO.File;
Log(ReadAllText("/etc/passwd"));
