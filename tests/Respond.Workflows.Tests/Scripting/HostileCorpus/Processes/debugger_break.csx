// expect: System.Diagnostics.Debugger
System.Diagnostics.Debugger.Break();
