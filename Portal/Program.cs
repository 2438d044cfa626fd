using Microsoft.AspNetCore.DataProtection;
using Portal.Api;
using Portal.Components;
using Portal.Core.Archives;
using Portal.Core.Auditing;
using Portal.Core.Booking;
using Portal.Core.Certificates;
using Portal.Core.Common.Privacy;
using Portal.Core.Consents;
using Portal.Core.Content;
using Portal.Core.Eligibility;
using Portal.Core.Feedback;
using Portal.Core.Injections;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Slots;
using Portal.Core.Vaccines;
using Portal.Core.Waitlist;
using Portal.Data;
using Portal.Exports;
using Portal.Identity;
using Portal.Infrastructure;
using Portal.Dashboard;
using Portal.Messaging;

var builder = WebApplication.CreateBuilder(args);
var dataFolder = DataFolder.Resolve(builder);
builder.AddLocalSecrets(dataFolder);

// Platform: the database (one provider of three), keys, personal-data encryption, the edge.
builder.Services.AddPortalData(builder.Configuration, dataFolder);
builder.Services.AddDataProtection().SetApplicationName("BlazorVax").PersistKeysToDbContext<PortalDbContext>();
builder.Services.AddPersonalDataProtection(builder.Configuration);
builder.Services.AddApiEdge(builder.Configuration);
builder.Services.AddPortalHealth();
builder.Services.AddReverseProxySupport(builder.Configuration);
builder.Services.AddSecurityHeaders(builder.Configuration, builder.Environment);

// Features, in the product's vocabulary (README: "Layout"); each has this name in every project.
builder.Services.AddPortalIdentity(builder.Configuration);
builder.Services.AddAuditing();
builder.Services.AddSites();
builder.Services.AddVaccines();
builder.Services.AddResidents();
builder.Services.AddArchives();
builder.Services.AddEligibility();
builder.Services.AddSlots(builder.Configuration);
builder.Services.AddBooking(builder.Configuration);
builder.Services.AddWaitlist(builder.Configuration);
builder.Services.AddInjections();
builder.Services.AddConsents();
builder.Services.AddCertificates(builder.Configuration, builder.Environment, dataFolder);
builder.Services.AddContent();
builder.Services.AddFeedback();
builder.Services.AddMessaging(builder.Configuration, builder.Environment, dataFolder);
builder.Services.AddLiveUpdates(builder.Configuration);
builder.Services.AddExports();
builder.Services.AddConsoleUi();

var app = builder.Build();
await app.InitializeDatabaseAsync();

app.UseReverseProxySupport();
app.UseSecurityHeaders();
app.UseExceptionHandler();
// Console pages get the friendly not-found page; APIs, hubs and exports answer every status with ProblemDetails.
app.UseWhen(ctx => !ctx.Request.IsMachineEndpoint(),
    branch => branch.UseStatusCodePagesWithReExecute(PageRoutes.NotFound, createScopeForStatusCodePages: true));
app.UseWhen(ctx => ctx.Request.IsMachineEndpoint(), branch => branch.UseStatusCodePages());
app.UseRequestBodyLimits();
app.UsePortalLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapApiDocs();
app.MapPortalHealth();
// Every API route and export is checked at the edge by one set of input rules (Portal/Api/InputRules.cs).
var api = app.MapGroup("").WithInputRules();
api.MapResidentsApi();
api.MapSitesApi();
api.MapVaccinesApi();
api.MapArchivesApi();
api.MapEligibilityApi();
api.MapBookingApi();
api.MapWaitlistApi();
api.MapInjectionsApi();
api.MapPdaApi();
api.MapConsentsApi();
api.MapCertificatesApi();
api.MapContentApi();
api.MapFeedbackApi();
api.MapExportsApi();
app.MapLiveUpdates();
app.MapConsoleUi();

app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
