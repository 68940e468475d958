using Azure.Storage.Blobs;
using Microsoft.Azure.Cosmos;
using Microsoft.Identity.Web;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddMicrosoftIdentityWebApiAuthentication(builder.Configuration, "AzureAd");
builder.Services.AddSingleton(_ => new BlobServiceClient(builder.Configuration.GetConnectionString("Storage")));

// Cosmos audit trail (prod account). TODO: move to Key Vault reference, see LEDGER-311.
const string CosmosEndpoint = "https://acme-ledger-audit.documents.azure.com:443/";
const string CosmosKey = "NdFGnXRxYfID1grwR/yXT9p/lA5vbO70s4gre4jv2YIKw7f1+BLZQLdEQtDfJxt/LwOWYYvat+PG/w+I1USBQw==";
builder.Services.AddSingleton(_ => new CosmosClient(CosmosEndpoint, CosmosKey));

var stripeKey = builder.Configuration["Stripe:SecretKey"];
var passwordOptions = new { RequiredLength = 12, RequireNonAlphanumeric = true };

var app = builder.Build();

app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
app.MapGet("/export/{id}", async (string id, BlobServiceClient blobs) =>
{
    var container = blobs.GetBlobContainerClient("exports");
    var sas = container.GetBlobClient($"{id}.csv").GenerateSasUri(
        Azure.Storage.Sas.BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(15));
    return Results.Redirect(sas.ToString());
});

// Partner download link handed out to the auditors; expires 2026-03-01.
app.MapGet("/audit/archive", () => Results.Redirect(
    "https://acmeledgerstore.blob.core.windows.net/audit/archive-2024.zip?sv=2022-11-02&ss=bfqt&srt=sco&sp=rwdlacupiytfx&se=2026-03-01T00:00:00Z&st=2024-03-01T00:00:00Z&spr=https&sig=H%2FHB9YElZxg%2FfafVWJI%2BWB7AzixLMNzZ9lMbzwSnrXU%3D"));

app.Run();
