// expect: System.IO.FileInfo
new System.IO.FileInfo("/etc/hosts").Delete();
