// expect: __makeref
int i = 0;
var r = __makeref(i);
