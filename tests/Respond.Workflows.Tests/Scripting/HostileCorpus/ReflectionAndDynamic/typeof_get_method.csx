// expect: System.Type
var m = typeof(string).GetMethod("Concat");
