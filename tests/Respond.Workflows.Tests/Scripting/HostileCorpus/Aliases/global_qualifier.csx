// expect: System.IO.File
Log(global::System.IO.File.ReadAllText("/etc/passwd"));
