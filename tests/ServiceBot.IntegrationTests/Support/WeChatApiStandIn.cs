using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServiceBot.IntegrationTests.Support;

/// <summary>
/// A local stand-in for api.weixin.qq.com on 127.0.0.1. It keeps WeChat's token rules: each call to
/// <c>cgi-bin/token</c> invalidates the token before it, <c>stable_token</c> hands out the same token
/// until a forced refresh replaces it, and a call with any other token is refused (40001). It records
/// every customer-service, subscribe and template send, answers template sends with a msgid and
/// writes the delivery reports WeChat would post for them, and answers scripted errcodes when told to.
/// </summary>
public sealed class WeChatApiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SemaphoreSlim _sent = new(0);
    private readonly Lock _tokenLock = new();
    private readonly ConcurrentDictionary<long, string> _templateReceivers = new();
    private int _tokens;
    private int _attempts;
    private int _refused;
    private int _forced;
    private long _msgIds = 400_000_000;
    private readonly ConcurrentDictionary<string, string> _oauthCodes = new();
    private string? _classicToken;
    private string? _stableToken;
    private string? _ticket;

    private WeChatApiStandIn(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<JsonElement> CustomerMessages { get; } = new();

    public ConcurrentQueue<JsonElement> SubscribeMessages { get; } = new();

    /// <summary>Faults the next sends meet, one a send, in order; then WeChat on a good day.</summary>
    public ConcurrentQueue<ApiFault> NextFaults { get; } = new();

    /// <summary>
    /// When set, asked for every send that <see cref="NextFaults"/> leaves alone: a fault to answer with, or null.
    /// </summary>
    public Func<int, ApiFault?>? FaultEvery { get; set; }

    /// <summary>
    /// How long each send takes to answer (WeChat is not instant; a fan-out then lasts long enough to be cut).
    /// </summary>
    public TimeSpan SendDelay { get; set; }

    /// <summary>Every send request that arrived, answered with a fault or not.</summary>
    public int SendAttempts => _attempts;

    /// <summary>The faults answered so far, by kind.</summary>
    public ConcurrentDictionary<string, int> FaultsServed { get; } = new();

    public int TokenRequests => _tokens;

    /// <summary>Stable-token requests that forced a new token (and so superseded the one in force).</summary>
    public int ForcedRefreshes => _forced;

    /// <summary>Calls refused because their access token was not (or no longer) valid.</summary>
    public int TokensRefused => _refused;

    public ConcurrentQueue<JsonElement> TemplateMessages { get; } = new();

    /// <summary>Who is in the browser: WeChat's authorisation page hands codes out for this OpenID.</summary>
    public string? OAuthUser { get; set; }

    /// <summary>Web-page codes exchanged for an OpenID, and codes refused (used or unknown).</summary>
    public int OAuthExchanges { get; private set; }

    public int OAuthRefused { get; private set; }

    /// <summary>Every temporary media upload: its media id and bytes.</summary>
    public ConcurrentDictionary<string, byte[]> Uploads { get; } = new();

    /// <summary>Every custom menu set, in order.</summary>
    public ConcurrentQueue<JsonElement> Menus { get; } = new();

    /// <summary>The scene of every QR code made, in order.</summary>
    public ConcurrentQueue<string> QrScenes { get; } = new();

    /// <summary>The msgid each accepted template message was answered with, in order.</summary>
    public ConcurrentQueue<long> TemplateMsgIds { get; } = new();

    /// <summary>What <c>media/get</c> answers: a JPEG's first bytes unless a test gives a whole picture.</summary>
    public byte[] Media { get; set; } = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];

    /// <summary>When set, each media id's own bytes (so a test can tell photos apart).</summary>
    public Func<string, byte[]>? MediaFor { get; set; }

    public static async Task<WeChatApiStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new WeChatApiStandIn(app);
        standIn.Map(app);
        await app.StartAsync();
        var address = app
            .Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        standIn.BaseUrl = new Uri(address);
        return standIn;
    }

    /// <summary>Waits (up to the deadline) until this many customer-service messages arrived.</summary>
    public async Task<bool> WaitForCustomerMessagesAsync(int count, TimeSpan deadline)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (CustomerMessages.Count < count)
        {
            var left = deadline - clock.Elapsed;
            if (left <= TimeSpan.Zero || !await _sent.WaitAsync(left))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The <c>TEMPLATESENDJOBFINISH</c> event WeChat posts to the account's server for a template message:
    /// <paramref name="status"/> is <c>success</c>, <c>failed:user block</c> or <c>failed: system failed</c>.
    /// </summary>
    public string TemplateReport(long msgId, string status, long createTime) =>
        $"<xml><ToUserName><![CDATA[gh_standin]]></ToUserName><FromUserName><![CDATA[{_templateReceivers[msgId]}]]>"
        + $"</FromUserName><CreateTime>{createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        + $"<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>{msgId}</MsgID>"
        + $"<Status><![CDATA[{status}]]></Status></xml>";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _sent.Dispose();
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/cgi-bin/token", () =>
        {
            lock (_tokenLock)
            {
                _classicToken = Mint(); // and the one before is no longer valid
                return Results.Json(new { access_token = _classicToken, expires_in = 7200 });
            }
        });
        app.MapPost("/cgi-bin/stable_token", async (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            var force = body.TryGetProperty("force_refresh", out var f) && f.ValueKind == JsonValueKind.True;
            lock (_tokenLock)
            {
                if (_stableToken is null || force)
                {
                    _forced += force ? 1 : 0;
                    _stableToken = Mint();
                }

                return Results.Json(new { access_token = _stableToken, expires_in = 7200 });
            }
        });
        // Web-page authorisation: the authorise page sends the browser back with a one-use code.
        app.MapGet("/connect/oauth2/authorize", (string redirect_uri, string? state) =>
        {
            var code = Guid.NewGuid().ToString("N");
            _oauthCodes[code] = OAuthUser ?? throw new InvalidOperationException("Set OAuthUser first.");
            var separator = redirect_uri.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            return Results.Redirect($"{redirect_uri}{separator}code={code}&state={state}");
        });
        app.MapGet("/sns/oauth2/access_token", (string code) =>
        {
            if (!_oauthCodes.TryRemove(code, out var openId))
            {
                OAuthRefused++;
                return Results.Json(new { errcode = 40163, errmsg = "code been used" });
            }

            OAuthExchanges++;
            return Results.Json(
                new
                {
                    access_token = "web-" + code,
                    expires_in = 7200,
                    openid = openId,
                    scope = "snsapi_base",
                }
            );
        });
        app.MapGet("/cgi-bin/ticket/getticket", (HttpRequest request) =>
        {
            if (Refused(request) is { } refused)
            {
                return refused;
            }

            lock (_tokenLock)
            {
                _ticket ??= $"standin-ticket-{Guid.NewGuid():N}";
                return Results.Json(
                    new
                    {
                        errcode = 0,
                        errmsg = "ok",
                        ticket = _ticket,
                        expires_in = 7200,
                    }
                );
            }
        });
        // The JS-SDK as WeChat's verifies a page: the signature over its ticket, nonce, time and URL.
        app.MapGet("/open/js/jweixin-1.6.0.js", () =>
            Results.Content(FakeJsSdk.Replace("TICKET", _ticket, StringComparison.Ordinal), "application/javascript")
        );
        // Temporary media (3 days): a multipart "media" file, answered with its media_id.
        app.MapPost("/cgi-bin/media/upload", async (HttpRequest request, string type) =>
        {
            if (Refused(request) is { } refused)
            {
                return refused;
            }

            var form = await request.ReadFormAsync();
            if (
                form.Files.GetFile("media") is not { Length: > 0 } file
                || type is not ("image" or "voice" or "video" or "thumb")
            )
            {
                return Results.Json(new { errcode = 41005, errmsg = "media data missing" });
            }

            using var bytes = new MemoryStream();
            await file.CopyToAsync(bytes);
            var mediaId = "up-" + Guid.NewGuid().ToString("N");
            Uploads[mediaId] = bytes.ToArray();
            return Results.Json(
                new
                {
                    type,
                    media_id = mediaId,
                    created_at = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(),
                }
            );
        });
        // The custom menu: at most 3 buttons of at most 5 sub-buttons, as WeChat allows (40016, 40017).
        app.MapPost("/cgi-bin/menu/create", async (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            if (Refused(request) is { } refused)
            {
                return refused;
            }

            var buttons = body.GetProperty("button");
            if (buttons.GetArrayLength() is < 1 or > 3)
            {
                return Results.Json(new { errcode = 40016, errmsg = "invalid button size" });
            }

            if (
                buttons
                    .EnumerateArray()
                    .Any(b => b.TryGetProperty("sub_button", out var subs) && subs.GetArrayLength() is < 1 or > 5)
            )
            {
                return Results.Json(new { errcode = 40023, errmsg = "invalid sub button size" });
            }

            Menus.Enqueue(body);
            return Results.Json(new { errcode = 0, errmsg = "ok" });
        });
        // Temporary QR codes with a string scene: at most 30 days and 64 characters, as WeChat allows.
        app.MapPost("/cgi-bin/qrcode/create", async (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            if (Refused(request) is { } refused)
            {
                return refused;
            }

            var scene = body.GetProperty("action_info").GetProperty("scene").GetProperty("scene_str").GetString();
            var seconds = body.GetProperty("expire_seconds").GetInt32();
            if (
                body.GetProperty("action_name").GetString() != "QR_STR_SCENE"
                || scene is not { Length: > 0 and <= 64 }
                || seconds is < 60 or > 2_592_000
            )
            {
                return Results.Json(new { errcode = 40097, errmsg = "invalid args" });
            }

            QrScenes.Enqueue(scene);
            var ticket = "gQ" + Guid.NewGuid().ToString("N");
            return Results.Json(
                new
                {
                    ticket,
                    expire_seconds = seconds,
                    url = $"http://weixin.qq.com/q/{ticket}",
                }
            );
        });
        app.MapPost("/cgi-bin/message/custom/send", async (HttpRequest request) =>
            await RecordAsync(request, CustomerMessages)
        );
        app.MapPost("/cgi-bin/message/subscribe/bizsend", async (HttpRequest request) =>
            await RecordAsync(request, SubscribeMessages)
        );
        app.MapPost("/cgi-bin/message/template/send", async (HttpRequest request) =>
            await RecordAsync(request, TemplateMessages, template: true)
        );
        app.MapGet("/cgi-bin/media/get", (HttpRequest request, string media_id) =>
        {
            if (Refused(request) is { } refused)
            {
                return refused;
            }

            var bytes = MediaFor?.Invoke(media_id) ?? Media;
            return Results.Bytes(bytes, bytes[0] == 0x89 ? "image/png" : "image/jpeg");
        });
    }

    private const string FakeJsSdk = """
        (function () {
          var ticket = 'TICKET', readies = [], errors = [], state = null;
          function hex(buffer) {
            return Array.from(new Uint8Array(buffer))
              .map(function (b) { return b.toString(16).padStart(2, '0'); }).join('');
          }
          window.wx = {
            config: function (c) {
              var text = 'jsapi_ticket=' + ticket + '&noncestr=' + c.nonceStr + '&timestamp=' + c.timestamp
                + '&url=' + location.href.split('#')[0];
              crypto.subtle.digest('SHA-1', new TextEncoder().encode(text)).then(function (digest) {
                var tags = c.openTagList || [];
                state = hex(digest) === c.signature && tags.indexOf('wx-open-subscribe') >= 0
                  ? { ok: true } : { ok: false, errMsg: 'config:invalid signature' };
                (state.ok ? readies : errors).forEach(function (f) { f(state); });
              });
            },
            ready: function (f) { if (state && state.ok) { f(); } else { readies.push(f); } },
            error: function (f) { if (state && !state.ok) { f(state); } else { errors.push(f); } }
          };
        })();
        """;

    private string Mint() => $"standin-{Interlocked.Increment(ref _tokens)}";

    private IResult? Refused(HttpRequest request)
    {
        string? token = request.Query["access_token"];
        lock (_tokenLock)
        {
            if (token is not null && (token == _classicToken || token == _stableToken))
            {
                return null;
            }
        }

        Interlocked.Increment(ref _refused);
        return Results.Json(
            new { errcode = 40001, errmsg = "invalid credential, access_token is invalid or not latest" }
        );
    }

    private async Task<IResult> RecordAsync(
        HttpRequest request,
        ConcurrentQueue<JsonElement> into,
        bool template = false
    )
    {
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
        if (Refused(request) is { } refused)
        {
            return refused;
        }

        var attempt = Interlocked.Increment(ref _attempts);
        var fault = NextFaults.TryDequeue(out var scripted) ? scripted : FaultEvery?.Invoke(attempt);
        // An image or video message names media WeChat holds: an id never uploaded is refused (40007).
        if (
            (body.TryGetProperty("image", out var held) || body.TryGetProperty("video", out held))
            && held.GetProperty("media_id").GetString() is { } media
            && !Uploads.ContainsKey(media)
        )
        {
            return Results.Json(new { errcode = 40007, errmsg = "invalid media_id" });
        }

        var msgId = template ? Interlocked.Increment(ref _msgIds) : 0;
        if (template)
        {
            _templateReceivers[msgId] = body.GetProperty("touser").GetString()!;
        }

        if (fault == ApiFault.TakenNoAnswer)
        {
            // Taken, and the answer never comes back: the caller cannot tell this from a plain hang.
            FaultsServed.AddOrUpdate(nameof(ApiFault.TakenNoAnswer), 1, (_, n) => n + 1);
            Taken(into, body, msgId);
            await Task.Delay(Timeout.InfiniteTimeSpan, request.HttpContext.RequestAborted)
                .ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Empty;
        }

        if (fault is not { } served)
        {
            // Taken as soon as it arrived, as WeChat does; the answer may still be slow to come back.
            Taken(into, body, msgId);
            await SlowAsync(request);
            return template
                ? Results.Json(
                    new
                    {
                        errcode = 0,
                        errmsg = "ok",
                        msgid = msgId,
                    }
                )
                : Results.Json(new { errcode = 0, errmsg = "ok" });
        }

        FaultsServed.AddOrUpdate(served.ToString(), 1, (_, n) => n + 1);
        if (served == ApiFault.Hang)
        {
            // No answer until the caller gives up (its attempt timeout); the message is not taken.
            await Task.Delay(Timeout.InfiniteTimeSpan, request.HttpContext.RequestAborted)
                .ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Empty;
        }

        await SlowAsync(request);
        return served == ApiFault.ServerError
            ? Results.StatusCode(StatusCodes.Status500InternalServerError)
            : Results.Json(new { errcode = (int)served, errmsg = served.ToString() });
    }

    private void Taken(ConcurrentQueue<JsonElement> into, JsonElement body, long msgId)
    {
        if (msgId != 0)
        {
            TemplateMsgIds.Enqueue(msgId);
        }

        into.Enqueue(body);
        _sent.Release();
    }

    private Task SlowAsync(HttpRequest request) =>
        SendDelay > TimeSpan.Zero
            ? Task.Delay(SendDelay, request.HttpContext.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default)
            : Task.CompletedTask;
}

/// <summary>What the stand-in can do to a send instead of taking it (errcodes as WeChat sends them).</summary>
public enum ApiFault
{
    /// <summary>40001: the access token is invalid or expired.</summary>
    TokenExpired = 40001,

    /// <summary>45009: the API's daily quota is used up.</summary>
    QuotaExceeded = 45009,

    /// <summary>45047: too many customer-service messages to this user.</summary>
    TooManyMessages = 45047,

    /// <summary>HTTP 500, no errcode.</summary>
    ServerError = 500,

    /// <summary>Never answers (until the caller hangs up), and does not take the message.</summary>
    Hang = 1,

    /// <summary>Takes the message, and never answers (until the caller hangs up).</summary>
    TakenNoAnswer = 2,
}
