// expect: System.Runtime.Loader
var alc = new System.Runtime.Loader.AssemblyLoadContext("x");
