"""What a person does with an open database: record, create, edit, practise."""
