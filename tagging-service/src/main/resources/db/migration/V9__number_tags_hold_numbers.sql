-- Number tags hold plain decimals only: only the engine writes them (manual and model tags are text), and since V8
-- nothing else. Values stored before that are not numbers (a product property "2 pcs" read by a first/last tag)
-- go, so that a segment can cast a number tag's values as they are: such a value answered
-- no comparison anyway, and a computed tag gets its value again at the next recompute or event.
delete from tag_value v
using tag_definition d
where d.workspace = v.workspace and d.code = v.code and d.value_type = 'number'
  and portrait_number(v.value) is null;
