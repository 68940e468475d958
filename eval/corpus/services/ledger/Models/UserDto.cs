using System.ComponentModel.DataAnnotations;

namespace Acme.Ledger.Models;

public sealed class UserDto
{
    [Required, EmailAddress]
    public string Email { get; init; } = string.Empty;

    [Required, MinLength(12), DataType(DataType.Password)]
    public string Password { get; init; } = string.Empty;

    [Compare(nameof(Password))]
    public string ConfirmPassword { get; init; } = string.Empty;

    public string? ApiKey { get; init; }

    public string? ClientSecret { get; set; }

    public const string PasswordResetTokenPurpose = "ResetPassword";
    public const string SecretName = "ledger-api-key";
}
