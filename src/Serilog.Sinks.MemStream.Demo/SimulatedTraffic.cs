using System.Diagnostics;
using Serilog.Context;

namespace Serilog.Sinks.MemStream.Demo;

/// <summary>
/// Logs what a small shop's backend would: requests with correlation ids, each in its own trace (an
/// <see cref="Activity"/>, as ASP.NET Core starts per request), the work inside them, now and then a slow
/// dependency (a warning) or a failure with an exception (an error), and a background job that has a
/// trace id but no correlation id.
/// </summary>
sealed class SimulatedTraffic(ILogger<SimulatedTraffic> logger) : BackgroundService
{
    static readonly string[] Customers = ["alice", "bob", "chandra", "dmitri", "eun-ji", "farah"];
    static readonly string[] Products = ["coffee beans", "kettle", "grinder", "filter papers", "mug"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var random = new Random();
        while (!stoppingToken.IsCancellationRequested)
        {
            var isStockSync = random.Next(10) == 0;
            using (new Activity(isStockSync ? "stock sync" : "POST /api/orders").SetIdFormat(ActivityIdFormat.W3C).Start())
            {
                if (isStockSync)
                    SimulateStockSync(random);
                else
                {
                    using (LogContext.PushProperty("CorrelationId", "req-" + Guid.NewGuid().ToString("N")[..8]))
                        SimulateRequest(random);
                }
            }

            try
            {
                await Task.Delay(random.Next(150, 900), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    void SimulateStockSync(Random random)
    {
        logger.LogInformation("Stock sync started");
        logger.LogDebug("Stock sync read {Count} levels from the warehouse", random.Next(50, 400));
        logger.LogInformation("Stock sync finished in {Elapsed} ms", random.Next(20, 300));
    }

    void SimulateRequest(Random random)
    {
        var orderId = random.Next(1000, 9999);
        var customer = Customers[random.Next(Customers.Length)];
        var product = Products[random.Next(Products.Length)];
        var elapsed = random.Next(3, 120);

        logger.LogInformation("HTTP POST /api/orders started for {Customer}", customer);
        logger.LogDebug("Reserving {Quantity} x {Product} for order {OrderId}", random.Next(1, 4), product, orderId);

        var roll = random.Next(100);
        if (roll < 10)
        {
            var failure = new TimeoutException($"payment gateway did not answer within 2000 ms (order {orderId})");
            logger.LogError(failure, "Order {OrderId} failed: payment could not be taken", orderId);
            logger.LogInformation("HTTP POST /api/orders responded {StatusCode} in {Elapsed} ms", 502, elapsed + 2000);
            return;
        }

        if (roll < 25)
        {
            logger.LogWarning("Inventory service slow: {Elapsed} ms for {Product}", elapsed * 10, product);
            elapsed += elapsed * 10;
        }

        logger.LogInformation("Order {OrderId} placed: {Product} for {Customer}", orderId, product, customer);
        logger.LogInformation("HTTP POST /api/orders responded {StatusCode} in {Elapsed} ms", 201, elapsed);
    }
}
