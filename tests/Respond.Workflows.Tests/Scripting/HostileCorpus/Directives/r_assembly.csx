// expect: #r
#r "System.Diagnostics.Process"
System.Diagnostics.Process.Start("sh");
