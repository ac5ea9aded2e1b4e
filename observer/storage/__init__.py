"""Where codings live: the schema, its migrations, opening a database safely, and the SQL."""
