// expect: CallerFilePath
void Where([System.Runtime.CompilerServices.CallerFilePath] string p = "") => Log(p);
Where();
