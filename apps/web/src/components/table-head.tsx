/** A data table's header row: the named columns, then an Actions column whose title only screen readers read. */
export function TableHead({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column} scope="col">
            {column}
          </th>
        ))}
        <th scope="col">
          <span className="skip-text">Actions</span>
        </th>
      </tr>
    </thead>
  );
}
