using Dapper;
using Governance.Core.Data;

namespace Governance.Core.StaffConsole;

/// <summary>
/// The key ring that protects the console's cookies, shared by every node through the database. The framework's
/// repository interface is synchronous (it is read once per node and on key rotation), so these calls are too.
/// </summary>
public sealed class DataProtectionKeyStore(Db db)
{
    public IReadOnlyList<string> All()
    {
        using var c = db.OpenSync();
        return c.Query<string>("SELECT xml FROM data_protection_key ORDER BY created_at").ToList();
    }

    public void Store(string name, string xml, DateTime now)
    {
        using var c = db.OpenSync();
        c.Execute(
            "INSERT IGNORE INTO data_protection_key (name, xml, created_at) VALUES (@name, @xml, @now)",
            new
            {
                name,
                xml,
                now,
            }
        );
    }
}
