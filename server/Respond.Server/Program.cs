using Respond.Server;
using Respond.Server.Designer;
using Respond.Server.Identity;

var builder = WebApplication.CreateBuilder(RespondHost.Arguments(args));
builder.WebHost.UseRespondUrls(builder.Configuration);
builder.Services.AddRespond(builder.Configuration, builder.Environment);

var app = builder.Build();
if (ListenAddresses.FirstTaken(builder.Configuration) is { } taken) return ListenAddresses.Refuse(taken);
await app.Services.PrepareRespondAsync();
app.UseSecurityHeaders();
app.UseAccessTokenInUrlRefusal();
app.UseWebSockets();
app.UseDesigner();
app.UseAuthentication();
app.UseAuthorization();
app.MapRespond();
app.Run();
return 0;

public partial class Program;
