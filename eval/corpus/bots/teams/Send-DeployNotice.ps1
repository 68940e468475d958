<#
.SYNOPSIS
  Posts a deployment notice to the #releases Teams channel.
#>
param(
    [Parameter(Mandatory = $true)][string]$Service,
    [Parameter(Mandatory = $true)][string]$Version,
    [string]$WebhookUrl = $env:TEAMS_WEBHOOK_URL
)

if (-not $WebhookUrl) {
    $WebhookUrl = 'https://acmecorp.webhook.office.com/webhookb2/c75633f2-bf00-48db-aa3c-87090f2d0d2a@8da521bd-f8e2-4b71-9b24-0709d2849c3a/IncomingWebhook/bb71b002d4cc0f01b73a9be0cf528c68/d6bbbf7f-8d67-43b2-8fb1-450530a84ba5/V2he9Ex7dxp2Xb9IWn4eKanYeEq-R6pG23_oLZ4xFtuz5SK'
}

$securePassword = Read-Host -AsSecureString -Prompt 'Service account password'
$credential = New-Object System.Management.Automation.PSCredential('svc-deploy', $securePassword)

$body = @{
    '@type'    = 'MessageCard'
    '@context' = 'http://schema.org/extensions'
    summary    = "$Service $Version deployed"
    text       = "**$Service** $Version is live in production."
} | ConvertTo-Json

Invoke-RestMethod -Method Post -Uri $WebhookUrl -Body $body -ContentType 'application/json'

# Legacy on-prem SQL login used by the smoke test
$sqlPassword = ConvertTo-SecureString 'jk+ytP0qy,+Y' -AsPlainText -Force
