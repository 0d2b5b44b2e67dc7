using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// The live-tail page: one self-contained HTML file embedded in the assembly, served with the
/// endpoints' prefix filled in and a strict Content-Security-Policy whose nonce admits only its own
/// script and style.
/// </summary>
internal static class LiveTailPage
{
    static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(LiveTailPage).Assembly.GetManifestResourceStream("Serilog.Sinks.MemStream.AspNetCore.live-tail.html")
            ?? throw new InvalidOperationException("The live-tail page is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static async Task ServeAsync(HttpContext context, MemStreamEndpointOptions options, string prefix)
    {
        if (!await AccessGuard.AdmitAsync(context, options))
            return;

        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var basePath = (context.Request.PathBase + prefix.TrimEnd('/')).ToString();
        var html = Template.Value
            .Replace("{{NONCE}}", nonce, StringComparison.Ordinal)
            .Replace("{{BASE}}", System.Net.WebUtility.HtmlEncode(basePath), StringComparison.Ordinal);

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy =
            $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        // For browsers that predate CSP's frame-ancestors: the page is never shown in a frame.
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(html);
    }
}
