// expect: System.IO.Stream
class Box<T> where T : System.IO.Stream { }
Log("x");
