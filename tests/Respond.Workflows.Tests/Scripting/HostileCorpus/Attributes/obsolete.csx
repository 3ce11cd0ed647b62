// expect: System.ObsoleteAttribute
[Obsolete] void F() { }
F();
