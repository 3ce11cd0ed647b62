// expect: System.Reflection
System.Reflection.Assembly.LoadFrom("/tmp/evil.dll");
