// expect: System.IO.Directory
foreach (var f in System.IO.Directory.GetFiles("/")) Log(f);
