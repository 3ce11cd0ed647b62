// expect: System.IO.FileInfo
using L = System.Collections.Generic.List<System.IO.FileInfo>;
var l = new L();
