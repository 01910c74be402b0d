DELETE DATA { <urn:x:a> <urn:x:b> "c" } ; INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> ( 1 ( 2 ( 3 ) ) ) } } ; CLEAR SILENT GRAPH <urn:x:g> ; LOAD <http://example.org/x.ttl>
