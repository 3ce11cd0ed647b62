// expect: ModuleInitializer
[System.Runtime.CompilerServices.ModuleInitializer] static void Init() { }
Log("x");
