// expect: System.IO.FileInfo
var f = default(System.IO.FileInfo);
Log(f?.Name ?? "");
