import type { Rule } from '../engine/types.js';
import { isPlaceholder } from '../engine/suppress.js';
import { isReference, isTrivialPassword, safeDecode } from './value-shape.js';

/**
 * Passwords given as connection parameters rather than URL user info: JDBC URLs (`password=` query
 * or property, Oracle `user/password@`) and ADO.NET/ODBC key-value connection strings.
 */

const DB_ROTATE =
  'Change the database user’s password (ALTER USER / the managed service console) and move the connection string to a secret store.';

export const parameterRules: Rule[] = [
  {
    id: 'jdbc-url-password',
    title: 'JDBC URL with password',
    provider: 'JDBC',
    severity: 'high',
    keywords: ['jdbc:'],
    pattern:
      /jdbc:(?:oracle:(?:thin|oci):(?<user>[\w$#.]{1,64})\/|[a-z0-9]{2,24}:[^\s'"\x60]{0,400}?[?;&:]password=)(?<secret>[^&;@\s'"\x60/]{1,128})(?=[@&;\s'"\x60]|$)/i,
    window: { before: 0, after: 600 },
    validate: (secret, match) => {
      const password = safeDecode(secret);
      return (
        !isReference(secret) &&
        !isPlaceholder(password) &&
        !isTrivialPassword(password, match.groups?.['user'])
      );
    },
    remediation: DB_ROTATE,
    docs: 'https://docs.oracle.com/en/java/javase/21/docs/api/java.sql/java/sql/DriverManager.html',
    examples: {
      positive: [
        'jdbc.url=jdbc:mysql://mysql.acme.io:3306/orders?user=orders&password=Fq8Lz3Wk9Tm2&useSSL=true',
        '<property name="url" value="jdbc:sqlserver://sql01.acme.corp:1433;databaseName=erp;user=erp_app;password=Rw4Kq9Zm2Xt7;encrypt=true"/>',
        'ORACLE_URL=jdbc:oracle:thin:billing/Hp3Xv8Qz6Lk2@ora-prd.acme.io:1521/BILL',
      ],
      negative: [
        'jdbc:mysql://localhost:3306/test?user=root&password=',
        'jdbc:postgresql://pg.acme.io/app?user=app&password=${DB_PASSWORD}',
        'jdbc:oracle:thin:scott/tiger@localhost:1521:orcl',
        'jdbc:mysql://mysql.acme.io:3306/orders?useSSL=true',
      ],
    },
  },
  {
    id: 'adonet-connection-string-password',
    title: 'Database connection string with password (ADO.NET / ODBC style)',
    provider: 'Database',
    severity: 'high',
    keywords: ['password=', 'password ', 'password\t', 'pwd=', 'pwd ', 'pwd\t'],
    // Key/value connection strings name the server before the credentials.
    pattern:
      /(?<![\w ])(?:Server|Data Source|Address|Addr|Network Address|Host|DSN)\s*=\s*[^;\r\n]{1,200};(?:[^;\r\n]{0,200};){0,12}?\s*(?:Password|Pwd)[ \t]*=\s*(?<secret>[^;\s'"]{1,128})(?=[;'"\s]|$)/i,
    window: { before: 1200, after: 200 },
    validate: (secret) => {
      const password = safeDecode(secret);
      return !isReference(secret) && !isPlaceholder(password) && !isTrivialPassword(password);
    },
    remediation: DB_ROTATE,
    docs: 'https://learn.microsoft.com/en-us/dotnet/framework/data/adonet/connection-string-syntax',
    examples: {
      positive: [
        '"DefaultConnection": "Server=tcp:acme-sql.database.windows.net,1433;Initial Catalog=shop;User ID=shopadmin;Password=Zk7mP2qW9vLx;Encrypt=True;"',
        '<add name="Erp" connectionString="Data Source=SQL01;Initial Catalog=Erp;User Id=erp;Password=Tn4Rx8Kp2Qw6;" />',
        'Driver={ODBC Driver 18 for SQL Server};Server=sql02.acme.corp;UID=report;PWD=Lq9Vz3Mx7Kt2;',
      ],
      negative: [
        '"DefaultConnection": "Server=(localdb)\\mssqllocaldb;Database=app;Trusted_Connection=True;"',
        'Server=myServerAddress;Database=myDataBase;User Id=myUsername;Password=myPassword;',
        'Host=pg.acme.io;Database=app;Username=app;Password={0};',
        'Data Source=db01;Initial Catalog=x;User ID=sa;Password=$(SqlAdminPassword);',
      ],
    },
  },
];
