// expect: System.Text.RegularExpressions.Regex.IsMatch
Log(Regex.IsMatch(new string((char)97, 40) + "!", "(a+)+$").ToString());
