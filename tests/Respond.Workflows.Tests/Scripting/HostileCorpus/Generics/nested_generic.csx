// expect: System.IO.Stream
var x = new List<List<System.IO.Stream>>();
