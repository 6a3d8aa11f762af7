"""The officer workbench (办件工作台): department queue, case page, actions, assignment."""
