// expect: System.IO.Path
Log(System.IO.Path.GetTempPath());
