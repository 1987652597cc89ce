using Mediator;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Notifications.Contracts;
using StockAlerts.Modules.Notifications.Data;

namespace StockAlerts.Modules.Notifications.Preferences;

internal sealed class DefaultChannelsHandler(NotificationsDbContext database) : IQueryHandler<GetDefaultChannels, IReadOnlyList<string>>
{
    public async ValueTask<IReadOnlyList<string>> Handle(GetDefaultChannels query, CancellationToken cancellationToken)
    {
        var stored = await database.Preferences.AsNoTracking()
            .Where(preferences => preferences.UserId == query.UserId)
            .Select(preferences => preferences.DefaultChannels)
            .SingleOrDefaultAsync(cancellationToken);
        return (stored ?? new PreferencesRecord { UserId = query.UserId }.DefaultChannels).Split(',', StringSplitOptions.RemoveEmptyEntries);
    }
}
