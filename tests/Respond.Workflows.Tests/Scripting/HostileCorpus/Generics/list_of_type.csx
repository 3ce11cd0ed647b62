// expect: System.Type
var types = new List<Type>();
Log(types.Count.ToString());
