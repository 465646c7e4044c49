package web

// registerOperationRoutes adds the /api routes for operations, consent requests and decisions, liaison meetings and outcomes.
func (s *Server) registerOperationRoutes() {}
