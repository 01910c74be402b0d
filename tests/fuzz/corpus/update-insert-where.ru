INSERT { GRAPH <urn:x:g> { ?s <urn:x:p> [ <urn:x:q> 1 ] } } WHERE { ?s ?p ?o FILTER(isIRI(?s)) }
