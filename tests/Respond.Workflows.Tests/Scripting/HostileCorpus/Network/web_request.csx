// expect: WebRequest
var r = System.Net.WebRequest.Create("http://example.invalid/");
