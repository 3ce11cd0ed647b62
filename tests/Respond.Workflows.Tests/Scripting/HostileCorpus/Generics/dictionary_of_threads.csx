// expect: System.Threading.Thread
var d = new Dictionary<string, System.Threading.Thread>();
