// expect: extern
[System.Runtime.InteropServices.DllImport("libc")] static extern int getpid();
Log(getpid().ToString());
