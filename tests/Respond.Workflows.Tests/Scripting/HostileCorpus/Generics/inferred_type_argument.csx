// expect: System.Type
T Id<T>(T x) => x;
var t = Id(typeof(string));
