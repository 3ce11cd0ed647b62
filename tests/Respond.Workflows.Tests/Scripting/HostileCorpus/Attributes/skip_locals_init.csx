// expect: SkipLocalsInit
[System.Runtime.CompilerServices.SkipLocalsInit] void F() { }
F();
