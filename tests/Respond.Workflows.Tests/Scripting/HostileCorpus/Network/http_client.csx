// expect: Http
var c = new System.Net.Http.HttpClient();
Log(c.GetStringAsync("http://169.254.169.254/latest/meta-data/").Result);
