// expect: System.Threading
var t = new System.Threading.Timer(_ => { }, null, 0, 1);
