// expect: System.Reflection
System.Reflection.Assembly.Load("System.Diagnostics.Process");
