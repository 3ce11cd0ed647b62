// expect: Process
System.Diagnostics.Process.Start("/bin/sh", "-c id");
